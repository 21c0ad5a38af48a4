namespace Virtlab.Fuzz.Tests.Seeds;

/// <summary>Domain XML as virsh dumpxml prints it and as the docs and tests write it (the libvirt XML reader's seeds).</summary>
public static class DomainXml
{
    public static IReadOnlyList<string> Seeds { get; } =
    [
        """
        <domain type='kvm'>
          <name>t1</name>
          <uuid>f8023c16-22b1-4163-a7b5-df2452241fed</uuid>
          <metadata>
            <virtlab:domain xmlns:virtlab='https://virtlab.dev/xmlns/domain/1'>
              <virtlab:accel>auto</virtlab:accel>
              <virtlab:image>/srv/images/debian</virtlab:image>
            </virtlab:domain>
          </metadata>
          <maxMemory slots='8' unit='GiB'>4</maxMemory>
          <memory unit='KiB'>262144</memory>
          <currentMemory unit='MiB'>128</currentMemory>
          <vcpu placement='static' current='1'>4</vcpu>
          <os>
            <type arch='x86_64' machine='pc'>hvm</type>
          </os>
          <features><acpi/><apic/><pmu state='off'/></features>
          <cpu mode='custom' match='exact' check='partial'>
            <model fallback='forbid'>SandyBridge</model>
            <feature policy='disable' name='x2apic'/>
            <feature policy='force' name='avx'/>
            <feature policy='optional' name='pcid'/>
            <feature name='sse4.2'/>
          </cpu>
          <on_poweroff>destroy</on_poweroff>
          <devices>
            <serial type='file'>
              <source path='/var/log/t1.log' append='on'/>
              <target type='isa-serial' port='0'><model name='isa-serial'/></target>
            </serial>
            <channel type='unix'>
              <source mode='bind'/>
              <target type='virtio' name='org.qemu.guest_agent.0'/>
            </channel>
            <interface type='bridge'>
              <mac address='52:54:00:12:34:56'/>
              <source bridge='vlab0'/>
              <model type='virtio'/>
              <ip address='10.77.0.100' prefix='24'/>
            </interface>
            <memballoon model='virtio' autodeflate='on'><stats period='10'/></memballoon>
          </devices>
        </domain>
        """,
        """
        <domain type='qemu'>
          <name>f1</name>
          <memory unit='MiB'>256</memory>
          <vcpu>2</vcpu>
          <os>
            <type arch='x86_64' machine='pc'>hvm</type>
            <kernel>/boot/vmlinux</kernel>
            <initrd>/boot/initrd.img</initrd>
            <cmdline>console=ttyS0 loglevel=4</cmdline>
          </os>
          <cpu mode='host-model' check='partial'><model fallback='forbid'/></cpu>
          <devices>
            <console type='file'><source path='/tmp/c.log'/></console>
            <interface type='bridge'>
              <mac address='52:54:00:ab:cd:ef'/>
              <source bridge='br-lab.10'/>
              <ip address='192.168.7.9' family='ipv4' prefix='28'/>
              <model type='virtio'/>
            </interface>
            <memballoon model='virtio'><driver deflate_on_oom='on'/></memballoon>
          </devices>
        </domain>
        """,
        """
        <domain type='kvm'>
          <name>hp</name>
          <memory unit='GiB'>1</memory>
          <vcpu placement='static'>1</vcpu>
          <cpu mode='host-passthrough' check='none' migratable='on'/>
          <devices>
            <serial type='pty'><target port='0'/></serial>
            <console type='pty'><target type='serial' port='0'/></console>
            <memballoon model='none'/>
          </devices>
        </domain>
        """,
        "<domain type='qemu'><name>m</name><memory>262144</memory><cpu mode='custom'><model fallback='allow'>Nehalem</model></cpu></domain>",
    ];
}
