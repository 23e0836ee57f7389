<#
.SYNOPSIS
    Gathers the power events of the System log of every PC onto the site
    server, for greenhelp-agent's winevents source.

.DESCRIPTION
    For each PC (a list of names, or every computer of an Active Directory
    OU), reads the System log's power events — boot and shutdown, sleep and
    wake, hibernation, unclean stops, renames — that are newer than the
    last record this script took from that PC, and appends them to
    <OutDir>\<PC>.csv. The last EventRecordID taken from each PC is kept in
    <OutDir>\state.json, so a daily run adds one day. A PC that does not
    answer keeps its place: the next run takes everything it has since.

    Each file's columns are MachineName, RecordId, TimeCreated (UTC, ISO
    8601), ProviderName, Id and Xml (the event as EventLogRecord.ToXml()
    writes it): nothing in them depends on the server's culture, and
    greenhelp-agent reads them with no column to map (type: winevents).

    Needs: Windows PowerShell 5.1 (or PowerShell 7), the right to read the
    PCs' event logs remotely (Event Log Readers, and the "Remote Event Log
    Management" firewall rules on the PCs), and for -SearchBase the
    ActiveDirectory module (RSAT). See README.md for the scheduled task
    and the GPO.

.EXAMPLE
    .\Collect-PowerEvents.ps1 -ComputerList C:\greenhelp\pcs.txt -OutDir D:\greenhelp\power-events

.EXAMPLE
    .\Collect-PowerEvents.ps1 -SearchBase 'OU=Workstations,OU=Lyon,DC=corp,DC=example,DC=com' -OutDir D:\greenhelp\power-events
#>
[CmdletBinding(DefaultParameterSetName = 'List')]
param(
    # A text file with one PC name a line (# starts a comment).
    [Parameter(Mandatory = $true, ParameterSetName = 'List')]
    [string] $ComputerList,

    # The distinguished name of an Active Directory OU: every computer in it.
    [Parameter(Mandatory = $true, ParameterSetName = 'OU')]
    [string] $SearchBase,

    # Where the CSV files and state.json go: the folder greenhelp-agent's
    # winevents source reads (path: <OutDir>/*.csv).
    [Parameter(Mandatory = $true)]
    [string] $OutDir,

    # The first run of a PC reaches back this many days.
    [int] $FirstDays = 30
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

# The columns every file has, in this order (the winevents source reads
# them by name; agent/source/winlog/deploy_test.go checks this line).
$Columns = 'MachineName', 'RecordId', 'TimeCreated', 'ProviderName', 'Id', 'Xml'

# The power events, and only them (the ids greenhelp's winevents source
# reads: agent/source/winlog/power.go; checked by deploy_test.go).
$PowerEvents = @(
    "(Provider[@Name='EventLog'] and (EventID=6005 or EventID=6006 or EventID=6008 or EventID=6011))",
    "(Provider[@Name='Microsoft-Windows-Kernel-General'] and (EventID=12 or EventID=13))",
    "(Provider[@Name='User32'] and EventID=1074)",
    "(Provider[@Name='Microsoft-Windows-Kernel-Power'] and (EventID=41 or EventID=42 or EventID=107 or EventID=506 or EventID=507))",
    "(Provider[@Name='Microsoft-Windows-Power-Troubleshooter'] and EventID=1)"
) -join ' or '

function Get-Computers {
    if ($PSCmdlet.ParameterSetName -eq 'OU') {
        Import-Module ActiveDirectory
        return Get-ADComputer -SearchBase $SearchBase -Filter 'Enabled -eq $true' | ForEach-Object { $_.Name }
    }
    return Get-Content -LiteralPath $ComputerList |
        ForEach-Object { ($_ -replace '#.*$', '').Trim() } |
        Where-Object { $_ -ne '' }
}

function Read-State([string] $Path) {
    $state = @{}
    if (Test-Path -LiteralPath $Path) {
        $json = Get-Content -LiteralPath $Path -Raw | ConvertFrom-Json
        foreach ($p in $json.PSObject.Properties) { $state[$p.Name] = [int64] $p.Value }
    }
    return $state
}

# Write-State replaces state.json whole: written beside it, then moved.
function Write-State([hashtable] $State, [string] $Path) {
    $tmp = "$Path.tmp"
    $ordered = [ordered]@{}
    foreach ($k in ($State.Keys | Sort-Object)) { $ordered[$k] = $State[$k] }
    [pscustomobject] $ordered | ConvertTo-Json | Set-Content -LiteralPath $tmp -Encoding UTF8
    Move-Item -LiteralPath $tmp -Destination $Path -Force
}

# Get-PowerEvents returns the PC's power events after record $After (all
# of the last $FirstDays days on its first run), oldest first.
function Get-PowerEvents([string] $Computer, [int64] $After) {
    if ($After -gt 0) {
        $xpath = "*[System[(EventRecordID > $After) and ($PowerEvents)]]"
    } else {
        $ms = [int64] ([TimeSpan]::FromDays($FirstDays).TotalMilliseconds)
        $xpath = "*[System[(TimeCreated[timediff(@SystemTime) <= $ms]) and ($PowerEvents)]]"
    }
    try {
        $events = Get-WinEvent -ComputerName $Computer -LogName System -FilterXPath $xpath -ErrorAction Stop
    } catch [Exception] {
        if ($_.Exception.Message -match 'No events were found') { return @() }
        throw
    }
    return $events | Sort-Object RecordId
}

New-Item -ItemType Directory -Force -Path $OutDir | Out-Null
$statePath = Join-Path $OutDir 'state.json'
$state = Read-State $statePath
$failed = 0
$added = 0
foreach ($pc in Get-Computers) {
    $after = 0
    if ($state.ContainsKey($pc)) { $after = $state[$pc] }
    try {
        $events = @(Get-PowerEvents -Computer $pc -After $after)
    } catch {
        Write-Warning "${pc}: $($_.Exception.Message) (kept for the next run)"
        $failed++
        continue
    }
    if ($events.Count -eq 0) { continue }
    $file = Join-Path $OutDir "$pc.csv"
    $rows = $events | ForEach-Object {
        [pscustomobject] @{
            MachineName  = $_.MachineName
            RecordId     = $_.RecordId
            TimeCreated  = $_.TimeCreated.ToUniversalTime().ToString('o')
            ProviderName = $_.ProviderName
            Id           = $_.Id
            Xml          = $_.ToXml()
        }
    } | Select-Object -Property $Columns
    if (Test-Path -LiteralPath $file) {
        $rows | ConvertTo-Csv -NoTypeInformation | Select-Object -Skip 1 | Add-Content -LiteralPath $file -Encoding UTF8
    } else {
        $rows | ConvertTo-Csv -NoTypeInformation | Set-Content -LiteralPath $file -Encoding UTF8
    }
    # The state moves only once the rows are written: a run stopped
    # between the two takes the same events again, and the agent counts
    # each (machine, record) once.
    $state[$pc] = ($events | Select-Object -Last 1).RecordId
    Write-State $state $statePath
    $added += $events.Count
}
Write-Output "Collect-PowerEvents: $added event(s) added to $OutDir; $failed PC(s) did not answer."
if ($failed -gt 0) { exit 2 }
