-- mas-health: DataScienceCluster (Ready, else Available)
local a, b, c, d, e, f, g, h, i, j, l, m, n, o, k, r, s
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, t in ipairs(b) do
  if type(t) == "table" then
   local u, v, w = t.type, t.status, t.reason
   if not c and u == "Degraded" and v == "True" then c, j = t, t.message end
   if not d and u == "Available" and v == "True" and w == "ReconcileCompletedWithComponentErrors" then d = t end
   if not e and u == "Ready" and v == "True" then e, l = t, t.message end
   if not f and u == "Ready" then f, m = t, t.message end
   if not g and u == "Available" and v == "True" then g, n = t, t.message end
   if not h and u == "Available" then h, o = t, t.message end
   if not i and v == "False" and w == "ReconcileFailed" then i, k = t, t.message end
  end
 end
end
local function p(q) return type(q) == "string" and q ~= "" and q end
if c then r, s = "Degraded", p(j) or "the operator reports Degraded"
elseif d then r, s = "Degraded", p(k) or "the operator reconciled with component errors"
elseif e then r, s = "Healthy", p(l) or "Ready"
elseif f then r, s = "Progressing", p(m) and "waiting for Ready: " .. m or "waiting for Ready"
elseif g then r, s = "Healthy", p(n) or "Available"
elseif h then r, s = "Progressing", p(o) and "waiting for Available: " .. o or "waiting for Available"
else r, s = "Progressing", "waiting for Ready" end
return {status = r, message = s}
