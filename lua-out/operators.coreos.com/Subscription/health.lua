-- mas-health: OLM Subscription
local a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, s, t
if type(obj) == "table" then a, c = obj.spec, obj.status end
if type(a) == "table" then b = a.installPlanApproval end
if type(c) == "table" then d, e, f, g = c.conditions, c.currentCSV, c.installedCSV, c.state end
if type(d) == "table" then
 for _, u in ipairs(d) do
  if type(u) == "table" then
   local v, w, x = u.type, u.status, u.reason
   if not h and v == "InstallPlanFailed" and w == "True" then h, l = u, u.message end
   if not i and v == "ResolutionFailed" and w == "True" and x ~= "ErrorPreventedResolution" then i, m = u, u.message end
   if not j and v == "ResolutionFailed" and w == "True" and x == "ErrorPreventedResolution" then j, n = u, u.message end
   if not k and v == "CatalogSourcesUnhealthy" and w == "True" then k, o = u, u.message end
  end
 end
end
local function p(r) return type(r) == "string" and r ~= "" and r end
local q = g == "UpgradePending" or g == "UpgradeAvailable"
if h then s, t = "Degraded", p(l) or "the install plan failed"
elseif i then s, t = "Degraded", p(m) or "dependency resolution failed"
elseif f ~= nil and g == "AtLatestKnown" then s, t = "Healthy", p(f) and "installed " .. f or "installed"
elseif f ~= nil and q and b == "Manual" then s, t = "Healthy", p(f) and "upgrade waiting for approval; running " .. f or "upgrade waiting for approval"
elseif f ~= nil and q then s, t = "Progressing", p(e) and "upgrading to " .. e or "upgrade pending"
elseif j then s, t = "Progressing", p(n) or "dependency resolution is retried"
elseif k then s, t = "Progressing", p(o) or "catalog sources are unhealthy"
elseif g == "UpgradeFailed" then s, t = "Degraded", p(e) and "upgrade failed: " .. e or "upgrade failed"
elseif c == nil then s, t = "Progressing", "waiting for OLM to resolve the subscription"
else s, t = "Progressing", p(g) and "state " .. g or "waiting for OLM to install the operator" end
return {status = s, message = t}
