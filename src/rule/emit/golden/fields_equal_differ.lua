-- mas-health: fields equal or differ
local a, b, c, d, e, f
if type(obj) == "table" then a, c = obj.spec, obj.status end
if type(a) == "table" then b = a.v end
if type(c) == "table" then d = c.v end
if b ~= nil and d ~= nil and type(b) ~= "table" and type(d) ~= "table" and b == d then e, f = "Healthy", "same"
elseif b ~= nil and d ~= nil and type(b) ~= "table" and type(d) ~= "table" and b ~= d then e, f = "Progressing", "upgrading"
else e, f = "Unknown", "" end
return {status = e, message = f}
