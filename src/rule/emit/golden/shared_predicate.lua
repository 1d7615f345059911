-- mas-health: a test two clauses share
local a, b, c, d, e, f, h, i
if type(obj) == "table" then a, c = obj.spec, obj.status end
if type(a) == "table" then b = a.v end
if type(c) == "table" then d, e = c.conditions, c.v end
if type(d) == "table" then
 for _, j in ipairs(d) do
  if type(j) == "table" then
   if not f and j.type == "Ready" and j.status == "True" then f = j end
  end
 end
end
local g = b ~= nil and e ~= nil and type(b) ~= "table" and type(e) ~= "table" and b ~= e
if g and f then h, i = "Progressing", "stale"
elseif g then h, i = "Degraded", "stale, not ready"
else h, i = "Healthy", "ok" end
return {status = h, message = i}
