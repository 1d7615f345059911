-- mas-health: DSCInitialization (Degraded, then Available)
-- The first case that holds decides: Degraded is True -> Degraded; Available is True -> Healthy;
--   Available is present but not True -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, degraded, available, available_condition, degraded_message,
      available_message, available_condition_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not degraded and condition_type == "Degraded" and condition_status == "True" then degraded, degraded_message = condition, condition.message end
      if not available and condition_type == "Available" and condition_status == "True" then available, available_message = condition, condition.message end
      if not available_condition and condition_type == "Available" then available_condition, available_condition_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if degraded then
  verdict, message = "Degraded", text(degraded_message) or "the operator reports Degraded"
elseif available then
  verdict, message = "Healthy", text(available_message) or "Available"
elseif available_condition then
  verdict, message = "Progressing", text(available_condition_message) and "waiting for Available: " .. available_condition_message or "waiting for Available"
else
  verdict, message = "Progressing", "waiting for Available"
end
return {status = verdict, message = message}
