-- mas-health: ClusterLogging (Ready)
local a, b, c, d, e, f, g, h, k, l
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, m in ipairs(b) do
  if type(m) == "table" then
   local n, o = m.type, m.status
   if not c and n == "Ready" and o == "True" then c, f = m, m.message end
   if not d and n == "Ready" and o == "False" then d, g = m, m.message end
   if not e and n == "Ready" then e, h = m, m.message end
  end
 end
end
local function i(j) return type(j) == "string" and j ~= "" and j end
if c then k, l = "Healthy", i(f) or "logging is ready"
elseif d then k, l = "Progressing", i(g) and "not ready: " .. g or "not ready"
elseif e then k, l = "Progressing", i(h) and "waiting for Ready: " .. h or "waiting for Ready"
else k, l = "Progressing", "waiting for the logging operator to report Ready" end
return {status = k, message = l}
