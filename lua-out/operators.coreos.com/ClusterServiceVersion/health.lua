-- mas-health: OLM ClusterServiceVersion (phase)
local a, b, c, d, e, f, i, j
if type(obj) == "table" then a, c = obj.spec, obj.status end
if type(a) == "table" then b = a.version end
if type(c) == "table" then d, e, f = c.message, c.phase, c.reason end
local function g(h) return type(h) == "string" and h ~= "" and h end
if e == "Succeeded" then i, j = "Healthy", g(b) and "installed " .. b or "installed"
elseif e == "Failed" and (f == "InstallComponentFailedNoRetry" or f == "InvalidInstallStrategy" or f == "InvalidInstallModes" or f == "InvalidWebhookDescription" or f == "OwnerConflict" or f == "InterOperatorGroupOwnerConflict" or f == "CannotModifyStaticOperatorGroupProvidedAPIs" or f == "TooManyOperatorGroups" or f == "NoOperatorGroup" or f == "UnsupportedOperatorGroup" or f == "NoTargetNamespaces") then i, j = "Degraded", (g(f) and "Failed " .. f or "Failed") .. (g(d) and ": " .. d or "")
else i, j = "Progressing", (g(e) and "phase " .. e or "waiting for OLM") .. (g(f) and " " .. f or "") .. (g(d) and ": " .. d or "") end
return {status = i, message = j}
