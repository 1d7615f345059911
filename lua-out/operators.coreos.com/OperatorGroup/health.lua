-- mas-health: OLM OperatorGroup
-- The first case that holds decides: several OperatorGroups in the namespace -> Degraded;
--   service account not found -> Progressing; target namespaces resolved -> Healthy;
--   otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, last_updated, multiple_operator_group, operator_group_service_account,
      multiple_operator_group_message, operator_group_service_account_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions, last_updated = status.conditions, status.lastUpdated end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not multiple_operator_group and condition_type == "MultipleOperatorGroup" and condition_status == "True" then multiple_operator_group, multiple_operator_group_message = condition, condition.message end
      if not operator_group_service_account and condition_type == "OperatorGroupServiceAccount" and condition_status == "True" then operator_group_service_account, operator_group_service_account_message = condition, condition.message end
    end
  end
end
if multiple_operator_group then
  verdict, message = "Degraded", type(multiple_operator_group_message) == "string" and multiple_operator_group_message ~= "" and multiple_operator_group_message or "several OperatorGroups in the namespace"
elseif operator_group_service_account then
  verdict, message = "Progressing", type(operator_group_service_account_message) == "string" and operator_group_service_account_message ~= "" and operator_group_service_account_message or "waiting for the service account"
elseif last_updated ~= nil then
  verdict, message = "Healthy", "target namespaces resolved"
else
  verdict, message = "Progressing", "waiting for OLM to resolve the target namespaces"
end
return {status = verdict, message = message}
