-- mas-health: DataSciencePipelinesApplication (Ready)
-- The first case that holds decides: a component is failing to deploy -> Degraded;
--   Ready is True -> Healthy; Ready is present but not True -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, condition_false_failing_to_deploy, ready, ready_condition,
      condition_false_failing_to_deploy_message, ready_message, ready_condition_message, verdict,
      message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not condition_false_failing_to_deploy and condition_status == "False" and condition.reason == "FailingToDeploy" then condition_false_failing_to_deploy, condition_false_failing_to_deploy_message = condition, condition.message end
      if not ready and condition_type == "Ready" and condition_status == "True" then ready, ready_message = condition, condition.message end
      if not ready_condition and condition_type == "Ready" then ready_condition, ready_condition_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if condition_false_failing_to_deploy then
  verdict, message = "Degraded", text(condition_false_failing_to_deploy_message) or "a pipelines component is failing to deploy"
elseif ready then
  verdict, message = "Healthy", text(ready_message) or "Ready"
elseif ready_condition then
  verdict, message = "Progressing", text(ready_condition_message) and "waiting for Ready: " .. ready_condition_message or "waiting for Ready"
else
  verdict, message = "Progressing", "waiting for Ready"
end
return {status = verdict, message = message}
