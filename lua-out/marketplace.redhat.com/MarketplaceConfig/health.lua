-- mas-health: MarketplaceConfig (Complete)
-- The first case that holds decides: the license is not accepted -> Degraded;
--   Complete is True -> Healthy; Complete is present but not True -> Progressing;
--   otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, no_license, complete, complete_condition, no_license_message,
      complete_message, complete_condition_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not no_license and condition_type == "NoLicense" and condition_status == "True" then no_license, no_license_message = condition, condition.message end
      if not complete and condition_type == "Complete" and condition_status == "True" then complete, complete_message = condition, condition.message end
      if not complete_condition and condition_type == "Complete" then complete_condition, complete_condition_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if no_license then
  verdict, message = "Degraded", text(no_license_message) or "the Red Hat Marketplace license is not accepted"
elseif complete then
  verdict, message = "Healthy", text(complete_message) or "Complete"
elseif complete_condition then
  verdict, message = "Progressing", text(complete_condition_message) and "waiting for Complete: " .. complete_condition_message or "waiting for Complete"
else
  verdict, message = "Progressing", "waiting for Complete"
end
return {status = verdict, message = message}
