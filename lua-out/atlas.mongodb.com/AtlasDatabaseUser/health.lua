-- mas-health: AtlasDatabaseUser (Atlas readiness)
-- The first case that holds decides: validation failed -> Degraded;
--   Atlas refused the change -> Degraded; all readiness conditions are True -> Healthy;
--   Ready is present but not True -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, validation_succeeded_false, resource_version_is_valid_false,
      condition_false_deployment_not_created, ready, resource_version_is_valid, validation_succeeded,
      database_user_ready, ready_condition, validation_succeeded_false_message,
      resource_version_is_valid_false_message, condition_false_deployment_not_created_message,
      ready_message, ready_condition_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status, condition_reason = condition.type, condition.status, condition.reason
      if not validation_succeeded_false and condition_type == "ValidationSucceeded" and condition_status == "False" then validation_succeeded_false, validation_succeeded_false_message = condition, condition.message end
      if not resource_version_is_valid_false and condition_type == "ResourceVersionIsValid" and condition_status == "False" then resource_version_is_valid_false, resource_version_is_valid_false_message = condition, condition.message end
      if not condition_false_deployment_not_created and condition_status == "False" and (condition_reason == "DeploymentNotCreatedInAtlas" or condition_reason == "DeploymentNotUpdatedInAtlas" or condition_reason == "DatabaseUserNotCreatedInAtlas" or condition_reason == "DatabaseUserNotUpdatedInAtlas" or condition_reason == "DatabaseUserExpired") then condition_false_deployment_not_created, condition_false_deployment_not_created_message = condition, condition.message end
      if not ready and condition_type == "Ready" and condition_status == "True" then ready, ready_message = condition, condition.message end
      if not resource_version_is_valid and condition_type == "ResourceVersionIsValid" and condition_status == "True" then resource_version_is_valid = condition end
      if not validation_succeeded and condition_type == "ValidationSucceeded" and condition_status == "True" then validation_succeeded = condition end
      if not database_user_ready and condition_type == "DatabaseUserReady" and condition_status == "True" then database_user_ready = condition end
      if not ready_condition and condition_type == "Ready" then ready_condition, ready_condition_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if validation_succeeded_false or resource_version_is_valid_false then
  verdict, message = "Degraded", "rejected by the Atlas operator" .. (text(validation_succeeded_false_message) and ": " .. validation_succeeded_false_message or "") .. (text(resource_version_is_valid_false_message) and ": " .. resource_version_is_valid_false_message or "")
elseif condition_false_deployment_not_created then
  verdict, message = "Degraded", text(condition_false_deployment_not_created_message) or "rejected by Atlas"
elseif ready and resource_version_is_valid and validation_succeeded and database_user_ready then
  verdict, message = "Healthy", text(ready_message) or "ready"
elseif ready_condition then
  verdict, message = "Progressing", text(ready_condition_message) and "waiting for Ready: " .. ready_condition_message or "waiting for Ready"
else
  verdict, message = "Progressing", "waiting for Ready and DatabaseUserReady"
end
return {status = verdict, message = message}
