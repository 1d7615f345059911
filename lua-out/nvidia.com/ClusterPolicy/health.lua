-- mas-health: NVIDIA ClusterPolicy (state)
-- The first case that holds decides: Error is True -> Degraded; state ready -> Healthy;
--   state ignored -> Degraded; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, state, error_not_operand_not_ready, error_not_operand_not_ready_message,
      verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions, state = status.conditions, status.state end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      if not error_not_operand_not_ready and condition.type == "Error" and condition.status == "True" and condition.reason ~= "OperandNotReady" then error_not_operand_not_ready, error_not_operand_not_ready_message = condition, condition.message end
    end
  end
end
if error_not_operand_not_ready then
  verdict, message = "Degraded", type(error_not_operand_not_ready_message) == "string" and error_not_operand_not_ready_message ~= "" and error_not_operand_not_ready_message or "the GPU operator reports an error"
elseif state == "ready" then
  verdict, message = "Healthy", "GPU operator ready"
elseif state == "ignored" then
  verdict, message = "Degraded", "state ignored: another ClusterPolicy is already active"
else
  verdict, message = "Progressing", type(state) == "string" and state ~= "" and "state " .. state or "waiting for status.state"
end
return {status = verdict, message = message}
