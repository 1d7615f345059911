-- mas-health: NodeFeatureDiscovery (Available)
-- The first case that holds decides: Degraded is True -> Progressing; Available is True -> Healthy;
--   Progressing is True -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, degraded, available, progressing, degraded_message, available_message,
      progressing_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not degraded and condition_type == "Degraded" and condition_status == "True" then degraded, degraded_message = condition, condition.message end
      if not available and condition_type == "Available" and condition_status == "True" then available, available_message = condition, condition.message end
      if not progressing and condition_type == "Progressing" and condition_status == "True" then progressing, progressing_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if degraded then
  verdict, message = "Progressing", text(degraded_message) and "not available yet: " .. degraded_message or "not available yet"
elseif available then
  verdict, message = "Healthy", text(available_message) or "node feature discovery is available"
elseif progressing then
  verdict, message = "Progressing", text(progressing_message) and "progressing: " .. progressing_message or "progressing"
else
  verdict, message = "Progressing", "waiting for the NFD operator to report Available"
end
return {status = verdict, message = message}
