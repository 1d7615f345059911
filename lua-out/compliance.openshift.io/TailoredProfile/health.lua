-- mas-health: TailoredProfile (state)
-- The first case that holds decides: status.state reports a failure -> Degraded;
--   status.state reports ready -> Healthy; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, error_message, state, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then error_message, state = status.errorMessage, status.state end
local function text(value) return type(value) == "string" and value ~= "" and value end
if state == "ERROR" then
  verdict, message = "Degraded", (text(state) and "state " .. state or "failed") .. (text(error_message) and ": " .. error_message or "")
elseif state == "READY" then
  verdict, message = "Healthy", text(state) and "state " .. state or "ready"
else
  verdict, message = "Progressing", text(state) and "state " .. state or "waiting for status.state"
end
return {status = verdict, message = message}
