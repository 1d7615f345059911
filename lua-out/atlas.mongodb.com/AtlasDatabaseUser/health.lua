-- mas-health: AtlasDatabaseUser (Atlas readiness)
local a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, r, s
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, t in ipairs(b) do
  if type(t) == "table" then
   local u, v, w = t.type, t.status, t.reason
   if not c and u == "ValidationSucceeded" and v == "False" then c, k = t, t.message end
   if not d and u == "ResourceVersionIsValid" and v == "False" then d, l = t, t.message end
   if not e and v == "False" and (w == "DeploymentNotCreatedInAtlas" or w == "DeploymentNotUpdatedInAtlas" or w == "DatabaseUserNotCreatedInAtlas" or w == "DatabaseUserNotUpdatedInAtlas" or w == "DatabaseUserExpired") then e, m = t, t.message end
   if not f and u == "Ready" and v == "True" then f, n = t, t.message end
   if not g and u == "ResourceVersionIsValid" and v == "True" then g = t end
   if not h and u == "ValidationSucceeded" and v == "True" then h = t end
   if not i and u == "DatabaseUserReady" and v == "True" then i = t end
   if not j and u == "Ready" then j, o = t, t.message end
  end
 end
end
local function p(q) return type(q) == "string" and q ~= "" and q end
if c or d then r, s = "Degraded", "rejected by the Atlas operator" .. (p(k) and ": " .. k or "") .. (p(l) and ": " .. l or "")
elseif e then r, s = "Degraded", p(m) or "rejected by Atlas"
elseif f and g and h and i then r, s = "Healthy", p(n) or "ready"
elseif j then r, s = "Progressing", p(o) and "waiting for Ready: " .. o or "waiting for Ready"
else r, s = "Progressing", "waiting for Ready and DatabaseUserReady" end
return {status = r, message = s}
