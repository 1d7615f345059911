-- mas-health: several selectors
local a, b, c, d, e, f
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, g in ipairs(b) do
  if type(g) == "table" then
   local h = g.type
   if not c and h == "Failed" and g.reason ~= "Retrying" then c = g end
   if not d and h == "Ready" and g.status == "True" then d = g end
  end
 end
end
if c then e, f = "Degraded", "failed"
elseif d then e, f = "Healthy", "ready"
else e, f = "Progressing", "waiting" end
return {status = e, message = f}
