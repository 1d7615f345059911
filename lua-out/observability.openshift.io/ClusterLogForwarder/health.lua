-- mas-health: ClusterLogForwarder 6.x (Ready)
local a, b, c, d, e, f, g, h, i, j, k, m, n, o, l, r, s
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, t in ipairs(b) do
  if type(t) == "table" then
   local u, v, w = t.type, t.status, t.reason
   if not c and u == "Ready" and v == "True" then c, j = t, t.message end
   if not d and u == "Ready" and v == "False" and w == "ValidationFailure" then d = t end
   if not e and u == "observability.openshift.io/Authorized" and v == "False" then e, k = t, t.message end
   if not f and u == "Ready" and w == "ManagementStateUnmanaged" then f, m = t, t.message end
   if not g and u == "Ready" and v == "False" then g, n = t, t.message end
   if not h and u == "Ready" then h, o = t, t.message end
   if not i and u == "observability.openshift.io/Valid" and v == "False" then i, l = t, t.message end
  end
 end
end
local function p(q) return type(q) == "string" and q ~= "" and q end
if c then r, s = "Healthy", p(j) or "the forwarder is ready"
elseif d and e then r, s = "Degraded", p(k) and "not authorized: " .. k or "the collector service account is not authorized"
elseif d then r, s = "Degraded", p(l) or "the forwarder failed validation"
elseif f then r, s = "Suspended", p(m) or "the forwarder is Unmanaged"
elseif g then r, s = "Progressing", p(n) and "not ready: " .. n or "not ready"
elseif h then r, s = "Progressing", p(o) and "waiting for Ready: " .. o or "waiting for Ready"
else r, s = "Progressing", "waiting for the logging operator to report Ready" end
return {status = r, message = s}
