-- mas-health: OperandRequest (phase)
-- The first case that holds decides: phase Failed -> Degraded; phase Running -> Healthy;
--   otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, phase, ready_false, ready_false_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions, phase = status.conditions, status.phase end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      if not ready_false and condition.type == "Ready" and condition.status == "False" then ready_false, ready_false_message = condition, condition.message end
    end
  end
end
if phase == "Failed" then
  verdict, message = "Degraded", "operand request Failed" .. (type(ready_false_message) == "string" and ready_false_message ~= "" and ": " .. ready_false_message or "")
elseif phase == "Running" then
  verdict, message = "Healthy", "operands are running"
else
  verdict, message = "Progressing", type(phase) == "string" and phase ~= "" and "phase " .. phase or "waiting for the operands"
end
return {status = verdict, message = message}
