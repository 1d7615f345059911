-- mas-health: numbers and bools
local a, b, c, d, e, f
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c, d = a.code, a.nan, a.ready end
if b == 0e0 or b == -2.5e0 or b == 1e21 or c == (0/0) or d == false then e, f = "Degraded", "hit"
else e, f = "Healthy", "ok" end
return {status = e, message = f}
