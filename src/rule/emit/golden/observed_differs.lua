-- mas-health: observed differs
local a, b, c, d, e, f, o, p
if type(obj) == "table" then a, c = obj.spec, obj.status end
if type(a) == "table" then b = a.source end
if type(c) == "table" then d = c.sync end
if type(d) == "table" then e = d.comparedTo end
if type(e) == "table" then f = e.source end
local function g(i)
 if not i or i == "" or i == 0e0 then return true end
 if type(i) ~= "table" then return false end
 for _, j in pairs(i) do
  if not g(j) then return false end
 end
 return true
end
local function h(k, l)
 if g(k) and g(l) then return true end
 if type(k) ~= "table" or type(l) ~= "table" then return k == l end
 for m, n in pairs(k) do
  if not h(n, l[m]) then return false end
 end
 for m, n in pairs(l) do
  if k[m] == nil and not g(n) then return false end
 end
 return true
end
if f ~= nil and not h(b, f) then o, p = "Degraded", "hit"
else o, p = "Healthy", "ok" end
return {status = o, message = p}
