-- mas-health: fields equal or differ
-- The first case that holds decides: equal -> Healthy; differ -> Progressing; otherwise Unknown.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local spec, v, status, status_v, verdict, message
if type(obj) == "table" then spec, status = obj.spec, obj.status end
if type(spec) == "table" then v = spec.v end
if type(status) == "table" then status_v = status.v end
if v ~= nil and status_v ~= nil and type(v) ~= "table" and type(status_v) ~= "table" and v == status_v then
  verdict, message = "Healthy", "same"
elseif v ~= nil and status_v ~= nil and type(v) ~= "table" and type(status_v) ~= "table" and v ~= status_v then
  verdict, message = "Progressing", "upgrading"
else
  verdict, message = "Unknown", ""
end
return {status = verdict, message = message}
