<#
.SYNOPSIS
    Exports Configuration Manager's Power Management Daily data — the last
    28 days — to one CSV file on the site server, for greenhelp-agent's
    configmgr source.

.DESCRIPTION
    Runs the export query on the site database (the view
    v_GS_POWER_MANAGEMENT_DAY joined to v_R_System for each computer's
    name: one row per computer, day and TypeOfEvent0, the minutes of each
    hour) and writes the result to -OutFile, replacing it whole: the file
    is written beside it first and moved over it only once complete, so
    the agent never reads half an export.

    28 days: the site keeps the daily data 31 days, and a computer reports
    its days with its hardware inventory (weekly by default): each run
    brings the days a computer reported since, and a day the site is
    deleting is never read half. Days older than that were sent to the
    central by earlier runs and stay as they were.

    Needs: the SqlServer PowerShell module (Install-Module SqlServer) and
    an account that may read the site database's views. See README.md for
    the scheduled task.

.EXAMPLE
    .\Export-PowerDaily.ps1 -ServerInstance CMSQL01 -Database CM_P01 -OutFile D:\greenhelp\configmgr\power-daily.csv
#>
param(
    # The SQL Server of the site database: CMSQL01, or CMSQL01\INSTANCE.
    [Parameter(Mandatory = $true)]
    [string] $ServerInstance,

    # The site database: CM_ and the site code.
    [Parameter(Mandatory = $true)]
    [string] $Database,

    # The CSV file greenhelp-agent's configmgr source reads (path:).
    [Parameter(Mandatory = $true)]
    [string] $OutFile,

    # Passed to Invoke-Sqlcmd when the SQL Server's certificate is not one
    # the site server trusts (recent versions of the SqlServer module
    # encrypt their connections by default).
    [switch] $TrustServerCertificate
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
Import-Module SqlServer

# The export query, as greenhelp-agent sample configmgr prints it
# (agent/source/cmpower's Query; agent/source/cmpower/deploy_test.go
# checks that the two are the same).
$Query = @'
SELECT s.Name0, CONVERT(char(10), d.Date0, 23) AS Date0, d.TypeOfEvent0,
  d.hr0_10, d.hr1_20, d.hr2_30, d.hr3_40, d.hr4_50, d.hr5_60, d.hr6_70, d.hr7_80,
  d.hr8_90, d.hr9_100, d.hr10_110, d.hr11_120, d.hr12_130, d.hr13_140, d.hr14_150, d.hr15_160,
  d.hr16_170, d.hr17_180, d.hr18_190, d.hr19_200, d.hr20_210, d.hr21_220, d.hr22_230, d.hr23_00,
  d.minutesTotal0
FROM v_GS_POWER_MANAGEMENT_DAY d
JOIN v_R_System s ON s.ResourceID = d.ResourceID
WHERE d.Date0 >= DATEADD(day, -28, CAST(GETDATE() AS date))
ORDER BY s.Name0, d.Date0, d.TypeOfEvent0
'@

$sql = @{ ServerInstance = $ServerInstance; Database = $Database; Query = $Query; QueryTimeout = 600 }
if ($TrustServerCertificate) { $sql.TrustServerCertificate = $true }

$tmp = "$OutFile.partial"
# Invoke-Sqlcmd returns DataRows: their own properties (ItemArray, Table,
# RowError, RowState, HasErrors) are not columns of the view.
Invoke-Sqlcmd @sql |
    Select-Object -Property * -ExcludeProperty ItemArray, Table, RowError, RowState, HasErrors |
    Export-Csv -Path $tmp -NoTypeInformation -Encoding UTF8
if (-not (Test-Path -LiteralPath $tmp)) {
    # No row at all (power management not reporting yet): an empty file.
    New-Item -ItemType File -Path $tmp | Out-Null
}
Move-Item -LiteralPath $tmp -Destination $OutFile -Force
$rows = (Get-Content -LiteralPath $OutFile | Measure-Object -Line).Lines - 1
Write-Output ("{0}: {1} rows (computer, day and type) of the last 28 days" -f $OutFile, [Math]::Max($rows, 0))
