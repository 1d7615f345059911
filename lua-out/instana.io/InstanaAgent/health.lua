-- mas-health: InstanaAgent (agents available)
-- The first case that holds decides: status older than the spec -> Progressing;
--   ReconcileSucceeded is False -> Progressing; agents not available -> Progressing;
--   k8sensors not available -> Progressing; reconciled and all agents available -> Healthy;
--   otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local metadata, generation, status, conditions, observed_generation, reconcile_succeeded_false,
      all_agents_available_not_true, all_k8s_sensors_available_not_true, reconcile_succeeded,
      all_agents_available, reconcile_succeeded_false_message, all_agents_available_not_true_message,
      all_k8s_sensors_available_not_true_message, all_agents_available_message, verdict, message
if type(obj) == "table" then metadata, status = obj.metadata, obj.status end
if type(metadata) == "table" then generation = metadata.generation end
if type(status) == "table" then conditions, observed_generation = status.conditions, status.observedGeneration end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not reconcile_succeeded_false and condition_type == "ReconcileSucceeded" and condition_status == "False" then reconcile_succeeded_false, reconcile_succeeded_false_message = condition, condition.message end
      if not all_agents_available_not_true and condition_type == "AllAgentsAvailable" and condition_status ~= "True" then all_agents_available_not_true, all_agents_available_not_true_message = condition, condition.message end
      if not all_k8s_sensors_available_not_true and condition_type == "AllK8sSensorsAvailable" and condition_status ~= "True" then all_k8s_sensors_available_not_true, all_k8s_sensors_available_not_true_message = condition, condition.message end
      if not reconcile_succeeded and condition_type == "ReconcileSucceeded" and condition_status == "True" then reconcile_succeeded = condition end
      if not all_agents_available and condition_type == "AllAgentsAvailable" and condition_status == "True" then all_agents_available, all_agents_available_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if observed_generation ~= nil and generation ~= nil and type(observed_generation) ~= "table" and type(generation) ~= "table" and observed_generation ~= generation then
  verdict, message = "Progressing", "waiting for the operator to reconcile the latest spec"
elseif reconcile_succeeded_false then
  verdict, message = "Progressing", text(reconcile_succeeded_false_message) and "reconcile failed, retried: " .. reconcile_succeeded_false_message or "reconcile failed"
elseif all_agents_available_not_true then
  verdict, message = "Progressing", text(all_agents_available_not_true_message) or "waiting for the agents"
elseif all_k8s_sensors_available_not_true then
  verdict, message = "Progressing", text(all_k8s_sensors_available_not_true_message) or "waiting for the k8sensors"
elseif reconcile_succeeded and all_agents_available then
  verdict, message = "Healthy", text(all_agents_available_message) or "all Instana agents are available"
else
  verdict, message = "Progressing", "waiting for the operator to report AllAgentsAvailable"
end
return {status = verdict, message = message}
