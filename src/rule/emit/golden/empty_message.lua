-- mas-health: empty
return {status = "Healthy", message = ""}
