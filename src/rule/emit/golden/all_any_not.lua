-- mas-health: nesting
local a, b, c, d, e, f, g, h
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c, d, e = a.a, a.b, a.c, a.conditions end
if type(e) == "table" then
 for _, i in ipairs(e) do
  if type(i) == "table" then
   if not f and i.type == "Ready" and i.status == "True" then f = i end
  end
 end
end
if b ~= nil and c == nil or not (d == "x" or f) or true or false then g, h = "Degraded", "hit"
else g, h = "Healthy", "ok" end
return {status = g, message = h}
