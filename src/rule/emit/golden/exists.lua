-- mas-health: exists
local a, b, c, d
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.phase end
if b ~= nil then c, d = "Degraded", "hit"
else c, d = "Healthy", "ok" end
return {status = c, message = d}
