-- mas-health: OLM OperatorGroup
local a, b, c, d, e, f, g, h, i
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c = a.conditions, a.lastUpdated end
if type(b) == "table" then
 for _, j in ipairs(b) do
  if type(j) == "table" then
   local k, l = j.type, j.status
   if not d and k == "MultipleOperatorGroup" and l == "True" then d, f = j, j.message end
   if not e and k == "OperatorGroupServiceAccount" and l == "True" then e, g = j, j.message end
  end
 end
end
if d then h, i = "Degraded", type(f) == "string" and f ~= "" and f or "several OperatorGroups in the namespace"
elseif e then h, i = "Progressing", type(g) == "string" and g ~= "" and g or "waiting for the service account"
elseif c ~= nil then h, i = "Healthy", "target namespaces resolved"
else h, i = "Progressing", "waiting for OLM to resolve the target namespaces" end
return {status = h, message = i}
