-- mas-health: consecutive clauses with one verdict
local a, b, c, d, e, f, g
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c, d, e = a.a, a.b, a.c, a.d end
if b ~= nil or c ~= nil then f, g = "Degraded", "bad"
elseif d ~= nil then f, g = "Degraded", "other"
elseif e ~= nil then f, g = "Degraded", "bad"
else f, g = "Healthy", "ok" end
return {status = f, message = g}
