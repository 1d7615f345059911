-- mas-health: Gr??e "quoted"?next line
-- The first case that holds decides: non-ASCII value -> Healthy; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, tat, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then tat = status["\195\169tat"] end
if tat == "pr\195\170t \226\156\147" then
  verdict, message = "Healthy", "pr\195\170t\009\\ \"ok\" \226\156\147"
else
  verdict, message = "Progressing", "en attente\226\128\166"
end
return {status = verdict, message = message}
