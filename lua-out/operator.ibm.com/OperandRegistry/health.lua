-- mas-health: OperandRegistry (phase)
-- The first case that holds decides: registry read by ODLM -> Healthy; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, phase, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then phase = status.phase end
if phase == "Ready for Deployment" or phase == "Running" then
  verdict, message = "Healthy", type(phase) == "string" and phase ~= "" and "phase " .. phase or "registry ready"
else
  verdict, message = "Progressing", type(phase) == "string" and phase ~= "" and "phase " .. phase or "waiting for ODLM to read the registry"
end
return {status = verdict, message = message}
