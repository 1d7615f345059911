-- mas-health: CertManager (deployments available)
local a, b, c, d, e, f, g, h, i, j, k, n, o
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, p in ipairs(b) do
  if type(p) == "table" then
   local q, r = p.type, p.status
   if not c and q == "cert-manager-controller-deploymentDegraded" and r == "True" then c, i = p, p.message end
   if not d and q == "cert-manager-cainjector-deploymentDegraded" and r == "True" then d, j = p, p.message end
   if not e and q == "cert-manager-webhook-deploymentDegraded" and r == "True" then e, k = p, p.message end
   if not f and q == "cert-manager-controller-deploymentAvailable" and r == "True" then f = p end
   if not g and q == "cert-manager-cainjector-deploymentAvailable" and r == "True" then g = p end
   if not h and q == "cert-manager-webhook-deploymentAvailable" and r == "True" then h = p end
  end
 end
end
local function l(m) return type(m) == "string" and m ~= "" and m end
if c then n, o = "Degraded", l(i) or "cert-manager controller is degraded"
elseif d then n, o = "Degraded", l(j) or "cert-manager cainjector is degraded"
elseif e then n, o = "Degraded", l(k) or "cert-manager webhook is degraded"
elseif f and g and h then n, o = "Healthy", "cert-manager controller, cainjector and webhook are available"
else n, o = "Progressing", "waiting for the cert-manager deployments to be available" end
return {status = n, message = o}
