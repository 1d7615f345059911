-- mas-health: NodeFeatureDiscovery (Available)
local a, b, c, d, e, f, g, h, k, l
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, m in ipairs(b) do
  if type(m) == "table" then
   local n, o = m.type, m.status
   if not c and n == "Degraded" and o == "True" then c, f = m, m.message end
   if not d and n == "Available" and o == "True" then d, g = m, m.message end
   if not e and n == "Progressing" and o == "True" then e, h = m, m.message end
  end
 end
end
local function i(j) return type(j) == "string" and j ~= "" and j end
if c then k, l = "Progressing", i(f) and "not available yet: " .. f or "not available yet"
elseif d then k, l = "Healthy", i(g) or "node feature discovery is available"
elseif e then k, l = "Progressing", i(h) and "progressing: " .. h or "progressing"
else k, l = "Progressing", "waiting for the NFD operator to report Available" end
return {status = k, message = l}
