-- mas-health: InstanaAgent (agents available)
local a, b, c, d, e, f, g, h, i, j, k, l, m, n, q, r
if type(obj) == "table" then a, c = obj.metadata, obj.status end
if type(a) == "table" then b = a.generation end
if type(c) == "table" then d, e = c.conditions, c.observedGeneration end
if type(d) == "table" then
 for _, s in ipairs(d) do
  if type(s) == "table" then
   local t, u = s.type, s.status
   if not f and t == "ReconcileSucceeded" and u == "False" then f, k = s, s.message end
   if not g and t == "AllAgentsAvailable" and u ~= "True" then g, l = s, s.message end
   if not h and t == "AllK8sSensorsAvailable" and u ~= "True" then h, m = s, s.message end
   if not i and t == "ReconcileSucceeded" and u == "True" then i = s end
   if not j and t == "AllAgentsAvailable" and u == "True" then j, n = s, s.message end
  end
 end
end
local function o(p) return type(p) == "string" and p ~= "" and p end
if e ~= nil and b ~= nil and type(e) ~= "table" and type(b) ~= "table" and e ~= b then q, r = "Progressing", "waiting for the operator to reconcile the latest spec"
elseif f then q, r = "Progressing", o(k) and "reconcile failed, retried: " .. k or "reconcile failed"
elseif g then q, r = "Progressing", o(l) or "waiting for the agents"
elseif h then q, r = "Progressing", o(m) or "waiting for the k8sensors"
elseif i and j then q, r = "Healthy", o(n) or "all Instana agents are available"
else q, r = "Progressing", "waiting for the operator to report AllAgentsAvailable" end
return {status = q, message = r}
