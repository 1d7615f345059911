-- mas-health: OLM Subscription
local a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, v, w
if type(obj) == "table" then a, c = obj.spec, obj.status end
if type(a) == "table" then b = a.installPlanApproval end
if type(c) == "table" then d, e, f, h, i = c.conditions, c.currentCSV, c.installPlanRef, c.installedCSV, c.state end
if type(f) == "table" then g = f.name end
if type(d) == "table" then
 for _, x in ipairs(d) do
  if type(x) == "table" then
   local y, z, aa = x.type, x.status, x.reason
   if not j and y == "InstallPlanFailed" and z == "True" then j, o = x, x.message end
   if not k and y == "ResolutionFailed" and z == "True" and aa ~= "ErrorPreventedResolution" then k, p = x, x.message end
   if not l and y == "InstallPlanPending" and z == "True" and aa == "RequiresApproval" then l = x end
   if not m and y == "ResolutionFailed" and z == "True" and aa == "ErrorPreventedResolution" then m, q = x, x.message end
   if not n and y == "CatalogSourcesUnhealthy" and z == "True" then n, r = x, x.message end
  end
 end
end
local function s(u) return type(u) == "string" and u ~= "" and u end
local t = i == "UpgradePending" or i == "UpgradeAvailable"
if j then v, w = "Degraded", s(o) or "the install plan failed"
elseif k then v, w = "Degraded", s(p) or "dependency resolution failed"
elseif h ~= nil and i == "AtLatestKnown" then v, w = "Healthy", s(h) and "installed " .. h or "installed"
elseif h ~= nil and t and b == "Manual" then v, w = "Healthy", s(h) and "upgrade waiting for approval; running " .. h or "upgrade waiting for approval"
elseif h ~= nil and t then v, w = "Progressing", s(e) and "upgrading to " .. e or "upgrade pending"
elseif l then v, w = "Progressing", (s(g) and "install plan " .. g or "the install plan") .. " waits for manual approval"
elseif m then v, w = "Progressing", s(q) or "dependency resolution is retried"
elseif n then v, w = "Progressing", s(r) or "catalog sources are unhealthy"
elseif i == "UpgradeFailed" then v, w = "Degraded", s(e) and "upgrade failed: " .. e or "upgrade failed"
elseif c == nil then v, w = "Progressing", "waiting for OLM to resolve the subscription"
else v, w = "Progressing", s(i) and "state " .. i or "waiting for OLM to install the operator" end
return {status = v, message = w}
