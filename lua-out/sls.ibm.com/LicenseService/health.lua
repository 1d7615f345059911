-- mas-health: MAS Ready family
local a, b, c, d, e, f, g, h, i, j, k, n, o
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c = a.conditions, a.versions end
if type(c) == "table" then d, e = c.controller, c.reconciled end
if type(b) == "table" then
 for _, p in ipairs(b) do
  if type(p) == "table" then
   local q, r = p.type, p.status
   if not f and q == "Failure" and r == "True" then f, i = p, p.message end
   if not g and q == "Ready" and r == "True" then g, j = p, p.message end
   if not h and q == "Ready" then h, k = p, p.message end
  end
 end
end
local function l(m) return type(m) == "string" and m ~= "" and m end
if f then n, o = "Degraded", l(i) or "the operator reported a failed reconcile"
elseif e ~= nil and d ~= nil and type(e) ~= "table" and type(d) ~= "table" and e ~= d and g then n, o = "Progressing", "reconciling " .. (l(d) or "a new operator version") .. ", last reconciled " .. (l(e) or "an earlier version")
elseif g then n, o = "Healthy", l(j) or "Ready"
elseif h then n, o = "Progressing", l(k) and "waiting for Ready: " .. k or "waiting for Ready"
else n, o = "Progressing", "waiting for the operator to report Ready" end
return {status = n, message = o}
