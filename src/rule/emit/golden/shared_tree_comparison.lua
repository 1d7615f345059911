-- mas-health: a tree comparison two clauses share
local a, b, c, d, e, f, g, h, i, r, s
if type(obj) == "table" then a, c = obj.spec, obj.status end
if type(a) == "table" then b = a.source end
if type(c) == "table" then d, e, f = c.conditions, c.error, c.sync end
if type(f) == "table" then g = f.comparedTo end
if type(g) == "table" then h = g.source end
if type(d) == "table" then
 for _, t in ipairs(d) do
  if type(t) == "table" then
   if not i and t.type == "Ready" and t.status == "True" then i = t end
  end
 end
end
local function j(l)
 if not l or l == "" or l == 0e0 then return true end
 if type(l) ~= "table" then return false end
 for _, m in pairs(l) do
  if not j(m) then return false end
 end
 return true
end
local function k(n, o)
 if j(n) and j(o) then return true end
 if type(n) ~= "table" or type(o) ~= "table" then return n == o end
 for p, q in pairs(n) do
  if not k(q, o[p]) then return false end
 end
 for p, q in pairs(o) do
  if n[p] == nil and not j(q) then return false end
 end
 return true
end
if e ~= nil then r, s = "Degraded", "failed"
elseif h ~= nil and not k(b, h) and i then r, s = "Progressing", "stale"
elseif h ~= nil and not k(b, h) then r, s = "Degraded", "stale, not ready"
else r, s = "Healthy", "ok" end
return {status = r, message = s}
