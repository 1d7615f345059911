-- mas-health: OLM ClusterServiceVersion (phase)
-- The first case that holds decides: phase Succeeded -> Healthy;
--   phase Failed, needs a person -> Degraded; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local spec, version, status, status_message, phase, reason, verdict, message
if type(obj) == "table" then spec, status = obj.spec, obj.status end
if type(spec) == "table" then version = spec.version end
if type(status) == "table" then status_message, phase, reason = status.message, status.phase, status.reason end
local function text(value) return type(value) == "string" and value ~= "" and value end
if phase == "Succeeded" then
  verdict, message = "Healthy", text(version) and "installed " .. version or "installed"
elseif phase == "Failed" and (reason == "InstallComponentFailedNoRetry" or reason == "InvalidInstallStrategy" or reason == "InvalidInstallModes" or reason == "InvalidWebhookDescription" or reason == "OwnerConflict" or reason == "InterOperatorGroupOwnerConflict" or reason == "CannotModifyStaticOperatorGroupProvidedAPIs" or reason == "TooManyOperatorGroups" or reason == "NoOperatorGroup" or reason == "UnsupportedOperatorGroup" or reason == "NoTargetNamespaces") then
  verdict, message = "Degraded", (text(reason) and "Failed " .. reason or "Failed") .. (text(status_message) and ": " .. status_message or "")
else
  verdict, message = "Progressing", (text(phase) and "phase " .. phase or "waiting for OLM") .. (text(reason) and " " .. reason or "") .. (text(status_message) and ": " .. status_message or "")
end
return {status = verdict, message = message}
