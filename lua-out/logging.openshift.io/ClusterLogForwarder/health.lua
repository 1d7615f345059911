-- mas-health: ClusterLogForwarder 5.x (Ready)
local a, b, c, d, e, f, g, h, i, j, l, m, k, p, q
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, r in ipairs(b) do
  if type(r) == "table" then
   local s, t, u = r.type, r.status, r.reason
   if not c and s == "Ready" and t == "True" then c, i = r, r.message end
   if not d and s == "Ready" and t == "False" and u == "Invalid" then d, j = r, r.message end
   if not e and s == "Ready" and t == "False" and u == "ValidationFailure" then e = r end
   if not f and s == "Ready" and t == "False" then f, l = r, r.message end
   if not g and s == "Ready" then g, m = r, r.message end
   if not h and s == "Validation" and t == "True" then h, k = r, r.message end
  end
 end
end
local function n(o) return type(o) == "string" and o ~= "" and o end
if c then p, q = "Healthy", n(i) or "the forwarder is ready"
elseif d then p, q = "Degraded", n(j) and "invalid forwarder: " .. j or "invalid forwarder"
elseif e then p, q = "Degraded", n(k) and "validation failed: " .. k or "the forwarder failed validation"
elseif f then p, q = "Progressing", n(l) and "not ready: " .. l or "not ready"
elseif g then p, q = "Progressing", n(m) and "waiting for Ready: " .. m or "waiting for Ready"
else p, q = "Progressing", "waiting for the logging operator to report Ready" end
return {status = p, message = q}
