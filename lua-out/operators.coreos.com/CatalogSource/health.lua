-- mas-health: OLM CatalogSource
-- The first case that holds decides: connection READY -> Healthy;
--   connection IDLE after a connection -> Healthy; connection TRANSIENT_FAILURE -> Degraded;
--   otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, connection_state, last_connect, last_observed_state, status_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then connection_state, status_message = status.connectionState, status.message end
if type(connection_state) == "table" then last_connect, last_observed_state = connection_state.lastConnect, connection_state.lastObservedState end
if last_observed_state == "READY" then
  verdict, message = "Healthy", "catalog source is READY"
elseif last_observed_state == "IDLE" and last_connect ~= nil then
  verdict, message = "Healthy", "catalog source connection IDLE after connecting"
elseif last_observed_state == "TRANSIENT_FAILURE" then
  verdict, message = "Degraded", "catalog source connection TRANSIENT_FAILURE" .. (type(status_message) == "string" and status_message ~= "" and ": " .. status_message or "")
else
  verdict, message = "Progressing", type(last_observed_state) == "string" and last_observed_state ~= "" and "catalog source connection " .. last_observed_state or "waiting for the catalog source to connect"
end
return {status = verdict, message = message}
