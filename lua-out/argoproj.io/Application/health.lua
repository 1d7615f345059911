-- mas-health: Argo CD Application (app of apps)
local a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, ad, ae
if type(obj) == "table" then a, b, e = obj.operation, obj.spec, obj.status end
if type(b) == "table" then c, d = b.source, b.sources end
if type(e) == "table" then f, g, j, m = e.conditions, e.health, e.operationState, e.sync end
if type(g) == "table" then h, i = g.message, g.status end
if type(j) == "table" then k, l = j.message, j.phase end
if type(m) == "table" then n, q = m.comparedTo, m.status end
if type(n) == "table" then o, p = n.source, n.sources end
if type(f) == "table" then
 for _, af in ipairs(f) do
  if type(af) == "table" then
   local ag = af.type
   if not r and (ag == "ComparisonError" or ag == "InvalidSpecError") and af.status ~= "False" then r, s = af, af.message end
  end
 end
end
local function t(w) return type(w) == "string" and w ~= "" and w end
local function u(x)
 if not x or x == "" or x == 0e0 then return true end
 if type(x) ~= "table" then return false end
 for _, y in pairs(x) do
  if not u(y) then return false end
 end
 return true
end
local function v(z, aa)
 if u(z) and u(aa) then return true end
 if type(z) ~= "table" or type(aa) ~= "table" then return z == aa end
 for ab, ac in pairs(z) do
  if not v(ac, aa[ab]) then return false end
 end
 for ab, ac in pairs(aa) do
  if z[ab] == nil and not u(ac) then return false end
 end
 return true
end
if r then ad, ae = "Degraded", t(s) or "the application cannot render its manifests"
elseif l == "Running" then ad, ae = "Progressing", "sync running" .. (t(k) and ": " .. k or "")
elseif l == "Terminating" then ad, ae = "Progressing", "sync terminating" .. (t(k) and ": " .. k or "")
elseif a ~= nil then ad, ae = "Progressing", "sync requested"
elseif c ~= nil and o ~= nil and not v(c, o) or (p ~= nil and not v(d, p)) then ad, ae = "Progressing", "health not yet refreshed for the current spec"
elseif (l == "Failed" or l == "Error") and q ~= "Synced" then ad, ae = "Degraded", t(k) and "sync failed: " .. k or "sync failed"
elseif i == "Healthy" then ad, ae = "Healthy", t(h) or "child application is Healthy"
elseif i == "Progressing" then ad, ae = "Progressing", t(h) or "child application is Progressing"
elseif i == "Degraded" then ad, ae = "Degraded", t(h) or "child application is Degraded"
elseif i == "Suspended" then ad, ae = "Suspended", t(h) or "child application is Suspended"
elseif i == "Missing" then ad, ae = "Missing", t(h) or "child application is Missing"
elseif i == "Unknown" then ad, ae = "Unknown", t(h) or "child application is Unknown"
elseif i == nil or i == "" then ad, ae = "Progressing", "waiting for health"
else ad, ae = "Unknown", "child application has an invalid health status: " .. (t(i) or "a value that is not a string") end
return {status = ad, message = ae}
