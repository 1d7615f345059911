-- mas-health: ManageWorkspace (Ready family, down mode)
local a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, r, s
if type(obj) == "table" then a, e = obj.spec, obj.status end
if type(a) == "table" then b = a.settings end
if type(b) == "table" then c = b.deployment end
if type(c) == "table" then d = c.mode end
if type(e) == "table" then f, g = e.conditions, e.versions end
if type(g) == "table" then h, i = g.controller, g.reconciled end
if type(f) == "table" then
 for _, t in ipairs(f) do
  if type(t) == "table" then
   local u, v = t.type, t.status
   if not j and u == "Failure" and v == "True" then j, m = t, t.message end
   if not k and u == "Ready" and v == "True" then k, n = t, t.message end
   if not l and u == "Ready" then l, o = t, t.message end
  end
 end
end
local function p(q) return type(q) == "string" and q ~= "" and q end
if j then r, s = "Degraded", p(m) or "the operator reported a failed reconcile"
elseif d == "down" then r, s = "Healthy", "Manage is down by request"
elseif i ~= nil and h ~= nil and type(i) ~= "table" and type(h) ~= "table" and i ~= h and k then r, s = "Progressing", "reconciling " .. (p(h) or "a new operator version") .. ", last reconciled " .. (p(i) or "an earlier version")
elseif k then r, s = "Healthy", p(n) or "Ready"
elseif l then r, s = "Progressing", p(o) and "waiting for Ready: " .. o or "waiting for Ready"
else r, s = "Progressing", "waiting for the operator to report Ready" end
return {status = r, message = s}
