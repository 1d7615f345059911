-- mas-health: ManageDeployment (DBReady and BundleReady)
local a, b, c, d, e, f, g, h, i, j, m, n
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, o in ipairs(b) do
  if type(o) == "table" then
   local p, q = o.type, o.status
   if not c and p == "Failure" and q == "True" then c, h = o, o.message end
   if not d and p == "DBReady" and q == "True" then d = o end
   if not e and p == "BundleReady" and q == "True" then e = o end
   if not f and p == "DBReady" then f, i = o, o.message end
   if not g and p == "BundleReady" then g, j = o, o.message end
  end
 end
end
local function k(l) return type(l) == "string" and l ~= "" and l end
if c then m, n = "Degraded", k(h) or "the operator reported a failed reconcile"
elseif d and e then m, n = "Healthy", "database and bundles are ready"
elseif not d then m, n = "Progressing", k(i) and "waiting for DBReady: " .. i or "waiting for DBReady"
else m, n = "Progressing", k(j) and "waiting for BundleReady: " .. j or "waiting for BundleReady" end
return {status = m, message = n}
