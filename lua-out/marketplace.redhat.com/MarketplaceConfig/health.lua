-- mas-health: MarketplaceConfig (Complete)
local a, b, c, d, e, f, g, h, k, l
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, m in ipairs(b) do
  if type(m) == "table" then
   local n, o = m.type, m.status
   if not c and n == "NoLicense" and o == "True" then c, f = m, m.message end
   if not d and n == "Complete" and o == "True" then d, g = m, m.message end
   if not e and n == "Complete" then e, h = m, m.message end
  end
 end
end
local function i(j) return type(j) == "string" and j ~= "" and j end
if c then k, l = "Degraded", i(f) or "the Red Hat Marketplace license is not accepted"
elseif d then k, l = "Healthy", i(g) or "Complete"
elseif e then k, l = "Progressing", i(h) and "waiting for Complete: " .. h or "waiting for Complete"
else k, l = "Progressing", "waiting for Complete" end
return {status = k, message = l}
