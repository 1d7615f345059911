-- mas-health: condition reason none of
local a, b, c, d, e
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, f in ipairs(b) do
  if type(f) == "table" then
   local g = f.reason
   if not c and f.type == "Ready" and f.status ~= "True" and g ~= "Pending" and g ~= "Waiting" then c = f end
  end
 end
end
if c then d, e = "Degraded", "hit"
else d, e = "Healthy", "ok" end
return {status = d, message = e}
