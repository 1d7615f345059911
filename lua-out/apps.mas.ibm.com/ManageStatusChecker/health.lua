-- mas-health: Successful family
local a, b, c, d, e, f, g, h, i, j, k, l, n, o, m, p, s, t
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c = a.conditions, a.versions end
if type(c) == "table" then d, e = c.controller, c.reconciled end
if type(b) == "table" then
 for _, u in ipairs(b) do
  if type(u) == "table" then
   local v, w = u.type, u.status
   if not f and v == "Failure" and w == "True" then f, l = u, u.message end
   if not g and v == "Successful" and w == "True" then g, n = u, u.message end
   if not h and v == "Successful" and w == "False" and u.reason == "Successful" then h, o = u, u.message end
   if not i and v == "Ready" then i, m = u, u.message end
   if not j and v == "Ready" and w == "True" then j = u end
   if not k and v == "Successful" then k, p = u, u.message end
  end
 end
end
local function q(r) return type(r) == "string" and r ~= "" and r end
if f then s, t = "Degraded", q(l) or "the operator reported a failed reconcile"
elseif e ~= nil and d ~= nil and type(e) ~= "table" and type(d) ~= "table" and e ~= d and (g or h) then s, t = "Progressing", "reconciling " .. (q(d) or "a new operator version") .. ", last reconciled " .. (q(e) or "an earlier version")
elseif i and not j then s, t = "Progressing", q(m) and "waiting for Ready: " .. m or "waiting for Ready"
elseif g then s, t = "Healthy", q(n) or "Successful"
elseif h then s, t = "Healthy", q(o) or "Last reconciliation succeeded"
elseif k then s, t = "Progressing", q(p) and "waiting for Successful: " .. p or "waiting for Successful"
else s, t = "Progressing", "waiting for the operator to report Successful" end
return {status = s, message = t}
