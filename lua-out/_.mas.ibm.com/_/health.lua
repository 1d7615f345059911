-- mas-health: MAS Ready family, else Successful
local a, b, c, d, e, f, g, h, i, j, k, l, m, o, p, n, q, u, v
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c = a.conditions, a.versions end
if type(c) == "table" then d, e = c.controller, c.reconciled end
if type(b) == "table" then
 for _, w in ipairs(b) do
  if type(w) == "table" then
   local x, y = w.type, w.status
   if not f and x == "Failure" and y == "True" then f, l = w, w.message end
   if not g and x == "Ready" and y == "True" then g, m = w, w.message end
   if not h and x == "Successful" and y == "True" then h, o = w, w.message end
   if not i and x == "Successful" and y == "False" and w.reason == "Successful" then i, p = w, w.message end
   if not j and x == "Ready" then j, n = w, w.message end
   if not k and x == "Successful" then k, q = w, w.message end
  end
 end
end
local function r(t) return type(t) == "string" and t ~= "" and t end
local s = e ~= nil and d ~= nil and type(e) ~= "table" and type(d) ~= "table" and e ~= d
if f then u, v = "Degraded", r(l) or "the operator reported a failed reconcile"
elseif s and g or (s and (h or i)) then u, v = "Progressing", "reconciling " .. (r(d) or "a new operator version") .. ", last reconciled " .. (r(e) or "an earlier version")
elseif g then u, v = "Healthy", r(m) or "Ready"
elseif j then u, v = "Progressing", r(n) and "waiting for Ready: " .. n or "waiting for Ready"
elseif h then u, v = "Healthy", r(o) or "Successful"
elseif i then u, v = "Healthy", r(p) or "Last reconciliation succeeded"
elseif k then u, v = "Progressing", r(q) and "waiting for Successful: " .. q or "waiting for Successful"
else u, v = "Progressing", "waiting for the operator to report Ready or Successful" end
return {status = u, message = v}
