-- mas-health: Gr??e "quoted"?next line
local a, b, c, d
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a["\195\169tat"] end
if b == "pr\195\170t \226\156\147" then c, d = "Healthy", "pr\195\170t\009\\ \"ok\" \226\156\147"
else c, d = "Progressing", "en attente\226\128\166" end
return {status = c, message = d}
