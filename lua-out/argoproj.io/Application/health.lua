-- mas-health: Argo CD Application (app of apps)
-- The first case that holds decides: the child cannot render its manifests -> Degraded;
--   a sync is running -> Progressing; a sync is terminating -> Progressing;
--   a sync is requested -> Progressing; status was compared with another spec -> Progressing;
--   the last sync failed and the child is not synced -> Degraded;
--   the child reports Healthy -> Healthy; the child reports Progressing -> Progressing;
--   the child reports Degraded -> Degraded; the child reports Suspended -> Suspended;
--   the child reports Missing -> Missing; the child reports Unknown -> Unknown;
--   the child has no health yet -> Progressing; otherwise Unknown.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local operation, spec, source, sources, status, conditions, health, health_message, health_status,
      operation_state, operation_state_message, phase, sync, compared_to, compared_to_source,
      compared_to_sources, sync_status, comparison_error_or_invalid_spec_error,
      comparison_error_or_invalid_spec_error_message, verdict, message
if type(obj) == "table" then operation, spec, status = obj.operation, obj.spec, obj.status end
if type(spec) == "table" then source, sources = spec.source, spec.sources end
if type(status) == "table" then conditions, health, operation_state, sync = status.conditions, status.health, status.operationState, status.sync end
if type(health) == "table" then health_message, health_status = health.message, health.status end
if type(operation_state) == "table" then operation_state_message, phase = operation_state.message, operation_state.phase end
if type(sync) == "table" then compared_to, sync_status = sync.comparedTo, sync.status end
if type(compared_to) == "table" then compared_to_source, compared_to_sources = compared_to.source, compared_to.sources end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type = condition.type
      if not comparison_error_or_invalid_spec_error and (condition_type == "ComparisonError" or condition_type == "InvalidSpecError") and condition.status ~= "False" then comparison_error_or_invalid_spec_error, comparison_error_or_invalid_spec_error_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
local function is_zero(item)
  if not item or item == "" or item == 0e0 then return true end
  if type(item) ~= "table" then return false end
  for _, child in pairs(item) do
    if not is_zero(child) then return false end
  end
  return true
end
local function same_tree(left, right)
  if is_zero(left) and is_zero(right) then return true end
  if type(left) ~= "table" or type(right) ~= "table" then return left == right end
  for key, entry in pairs(left) do
    if not same_tree(entry, right[key]) then return false end
  end
  for key, entry in pairs(right) do
    if left[key] == nil and not is_zero(entry) then return false end
  end
  return true
end
if comparison_error_or_invalid_spec_error then
  verdict, message = "Degraded", text(comparison_error_or_invalid_spec_error_message) or "the application cannot render its manifests"
elseif phase == "Running" then
  verdict, message = "Progressing", "sync running" .. (text(operation_state_message) and ": " .. operation_state_message or "")
elseif phase == "Terminating" then
  verdict, message = "Progressing", "sync terminating" .. (text(operation_state_message) and ": " .. operation_state_message or "")
elseif operation ~= nil then
  verdict, message = "Progressing", "sync requested"
elseif source ~= nil and compared_to_source ~= nil and not same_tree(source, compared_to_source) or (compared_to_sources ~= nil and not same_tree(sources, compared_to_sources)) then
  verdict, message = "Progressing", "health not yet refreshed for the current spec"
elseif (phase == "Failed" or phase == "Error") and sync_status ~= "Synced" then
  verdict, message = "Degraded", text(operation_state_message) and "sync failed: " .. operation_state_message or "sync failed"
elseif health_status == "Healthy" then
  verdict, message = "Healthy", text(health_message) or "child application is Healthy"
elseif health_status == "Progressing" then
  verdict, message = "Progressing", text(health_message) or "child application is Progressing"
elseif health_status == "Degraded" then
  verdict, message = "Degraded", text(health_message) or "child application is Degraded"
elseif health_status == "Suspended" then
  verdict, message = "Suspended", text(health_message) or "child application is Suspended"
elseif health_status == "Missing" then
  verdict, message = "Missing", text(health_message) or "child application is Missing"
elseif health_status == "Unknown" then
  verdict, message = "Unknown", text(health_message) or "child application is Unknown"
elseif health_status == nil or health_status == "" then
  verdict, message = "Progressing", "waiting for health"
else
  verdict, message = "Unknown", "child application has an invalid health status: " .. (text(health_status) or "a value that is not a string")
end
return {status = verdict, message = message}
