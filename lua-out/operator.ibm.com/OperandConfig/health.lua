-- mas-health: OperandConfig (phase)
-- The first case that holds decides: phase Running -> Healthy; phase Initialized -> Healthy;
--   otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, phase, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then phase = status.phase end
if phase == "Running" then
  verdict, message = "Healthy", "every configured operand exists"
elseif phase == "Initialized" then
  verdict, message = "Healthy", "no configured operand is requested yet"
else
  verdict, message = "Progressing", type(phase) == "string" and phase ~= "" and "phase " .. phase or "waiting for ODLM to read the configuration"
end
return {status = verdict, message = message}
