-- mas-health: ScanSettingBinding (Ready family)
local a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, r, s
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c = a.conditions, a.versions end
if type(c) == "table" then d, e = c.controller, c.reconciled end
if type(b) == "table" then
 for _, t in ipairs(b) do
  if type(t) == "table" then
   local u, v, w = t.type, t.status, t.reason
   if not f and u == "Failure" and v == "True" then f, k = t, t.message end
   if not g and u == "Ready" and v == "False" and w == "Invalid" then g, l = t, t.message end
   if not h and u == "Ready" and v == "False" and w == "Suspended" then h, m = t, t.message end
   if not i and u == "Ready" and v == "True" then i, n = t, t.message end
   if not j and u == "Ready" then j, o = t, t.message end
  end
 end
end
local function p(q) return type(q) == "string" and q ~= "" and q end
if f then r, s = "Degraded", p(k) or "the operator reported a failed reconcile"
elseif g then r, s = "Degraded", p(l) or "the binding is invalid"
elseif h then r, s = "Suspended", p(m) or "scans are suspended"
elseif e ~= nil and d ~= nil and type(e) ~= "table" and type(d) ~= "table" and e ~= d and i then r, s = "Progressing", "reconciling " .. (p(d) or "a new operator version") .. ", last reconciled " .. (p(e) or "an earlier version")
elseif i then r, s = "Healthy", p(n) or "Ready"
elseif j then r, s = "Progressing", p(o) and "waiting for Ready: " .. o or "waiting for Ready"
else r, s = "Progressing", "waiting for the operator to report Ready" end
return {status = r, message = s}
