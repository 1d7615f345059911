-- mas-health: messages
local a, b, c, d, e, f, g, h, k, l
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c, d = a.conditions, a.phase, a.version end
if type(b) == "table" then
 for _, m in ipairs(b) do
  if type(m) == "table" then
   local n = m.type
   if not e and n == "Failed" and m.reason ~= "Retrying" then e, g = m, m.message end
   if not f and n == "Ready" and m.status == "True" then f, h = m, m.message end
  end
 end
end
local function i(j) return type(j) == "string" and j ~= "" and j end
if e then k, l = "Degraded", i(g) and "failed: " .. g or "failed"
elseif c ~= nil then k, l = "Progressing", "phase" .. (i(c) and " " .. c or "") .. ", version " .. (i(d) or "unknown")
else k, l = "Progressing", (i(h) or "not ready") .. "; " .. (i(h) or "") end
return {status = k, message = l}
