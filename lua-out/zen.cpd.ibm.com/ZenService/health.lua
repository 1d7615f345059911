-- mas-health: CP4D service (zenStatus)
local a, b, c, d, e, f, g, h, i, j, k, n, o
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c = a.conditions, a.zenStatus end
if type(b) == "table" then
 for _, p in ipairs(b) do
  if type(p) == "table" then
   local q, r = p.type, p.status
   if not d and q == "Failure" and r == "True" then d, h = p, p.message end
   if not e and q == "Successful" and r == "True" then e, i = p, p.message end
   if not f and q == "Successful" and r == "False" and p.reason == "Successful" then f, j = p, p.message end
   if not g and q == "Successful" then g, k = p, p.message end
  end
 end
end
local function l(m) return type(m) == "string" and m ~= "" and m end
if d then n, o = "Degraded", l(h) or "the operator reported a failed reconcile"
elseif c == "Failed" then n, o = "Degraded", "zenStatus Failed"
elseif c == "InProgress" then n, o = "Progressing", "zenStatus InProgress"
elseif c == "Completed" then n, o = "Healthy", "zenStatus Completed"
elseif e then n, o = "Healthy", l(i) or "Successful"
elseif f then n, o = "Healthy", l(j) or "Last reconciliation succeeded"
elseif g then n, o = "Progressing", l(k) and "waiting for Successful: " .. k or "waiting for Successful"
else n, o = "Progressing", l(c) and "state " .. c or "waiting for status.zenStatus" end
return {status = n, message = o}
