-- mas-health: ManageDeployment (DBReady and BundleReady)
-- The first case that holds decides: Failure is True -> Degraded;
--   DBReady and BundleReady are True -> Healthy; DBReady is not True -> Progressing;
--   otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, failure, dbready, bundle_ready, dbready_condition, bundle_ready_condition,
      failure_message, dbready_condition_message, bundle_ready_condition_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not failure and condition_type == "Failure" and condition_status == "True" then failure, failure_message = condition, condition.message end
      if not dbready and condition_type == "DBReady" and condition_status == "True" then dbready = condition end
      if not bundle_ready and condition_type == "BundleReady" and condition_status == "True" then bundle_ready = condition end
      if not dbready_condition and condition_type == "DBReady" then dbready_condition, dbready_condition_message = condition, condition.message end
      if not bundle_ready_condition and condition_type == "BundleReady" then bundle_ready_condition, bundle_ready_condition_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if failure then
  verdict, message = "Degraded", text(failure_message) or "the operator reported a failed reconcile"
elseif dbready and bundle_ready then
  verdict, message = "Healthy", "database and bundles are ready"
elseif not dbready then
  verdict, message = "Progressing", text(dbready_condition_message) and "waiting for DBReady: " .. dbready_condition_message or "waiting for DBReady"
else
  verdict, message = "Progressing", text(bundle_ready_condition_message) and "waiting for BundleReady: " .. bundle_ready_condition_message or "waiting for BundleReady"
end
return {status = verdict, message = message}
