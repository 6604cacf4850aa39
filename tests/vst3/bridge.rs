//! The bridge on the real nice-plug VST3 wrapper, in process: the test plays a Linux host through
//! the VST3 COM interfaces of this crate's own `GetPluginFactory` (IComponent + IEditController,
//! its own IComponentHandler, an IPlugFrame with the IRunLoop Linux hosts provide, and
//! `IPlugView::attached` to open the editor), without processing audio.
//!
//! Checked: a client's set reaches the host as beginEdit/performEdit/endEdit and comes back as
//! exactly one `parameterChanged` per client, from the main thread and from another thread; the
//! host's `setParamNormalized` likewise, once per change; a departing client's gesture ends with
//! endEdit; the host's channel context (IInfoListener) names the track for every client; removing
//! the view closes the clients.

use std::ffi::c_void;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use bridge::protocol::Transport;
use bridge::{Bridge, ClientOptions, Next};
use nice_plug::wrapper::vst3::vst3::Steinberg::Vst::ChannelContext::{
    IInfoListener, IInfoListenerTrait, kChannelNameKey,
};
use nice_plug::wrapper::vst3::vst3::Steinberg::Vst::IAttributeList_::AttrID;
use nice_plug::wrapper::vst3::vst3::Steinberg::Vst::{
    IAttributeList, IAttributeListTrait, IEditController, IEditControllerTrait, ParameterInfo,
    TChar,
};
use nice_plug::wrapper::vst3::vst3::Steinberg::{
    IPlugViewTrait, IPluginBaseTrait, kInvalidArgument, kPlatformTypeX11EmbedWindowID,
    kResultFalse, kResultOk, tresult,
};
use nice_plug::wrapper::vst3::vst3::{Class, ComPtr, ComWrapper};
use serde_json::json;

use webstrip_tests::rpc::{changed, notifications_within, ok};
use webstrip_tests::vst3_host::{Edit, Plugin, param_id};

/// The host's channel context for `setChannelContextInfos`: a channel name only.
struct ChannelInfo {
    name: Vec<u16>,
}

impl Class for ChannelInfo {
    type Interfaces = (IAttributeList,);
}

impl IAttributeListTrait for ChannelInfo {
    unsafe fn setInt(&self, _id: AttrID, _value: i64) -> tresult {
        kResultFalse
    }
    unsafe fn getInt(&self, _id: AttrID, _value: *mut i64) -> tresult {
        kResultFalse
    }
    unsafe fn setFloat(&self, _id: AttrID, _value: f64) -> tresult {
        kResultFalse
    }
    unsafe fn getFloat(&self, _id: AttrID, _value: *mut f64) -> tresult {
        kResultFalse
    }
    unsafe fn setString(&self, _id: AttrID, _string: *const TChar) -> tresult {
        kResultFalse
    }
    unsafe fn getString(&self, id: AttrID, string: *mut TChar, size_in_bytes: u32) -> tresult {
        // SAFETY: the plugin passes a NUL-terminated key and a buffer of `size_in_bytes`.
        let key = unsafe { std::ffi::CStr::from_ptr(id) };
        let wanted = unsafe { std::ffi::CStr::from_ptr(kChannelNameKey) };
        let room = size_in_bytes as usize / 2;
        if key != wanted || room <= self.name.len() {
            return kResultFalse;
        }
        for (i, unit) in self.name.iter().chain([&0]).enumerate() {
            unsafe { *string.add(i) = *unit as TChar };
        }
        kResultOk
    }
    unsafe fn setBinary(&self, _id: AttrID, _data: *const c_void, _size: u32) -> tresult {
        kResultFalse
    }
    unsafe fn getBinary(&self, _id: AttrID, _data: *mut *const c_void, _size: *mut u32) -> tresult {
        kResultFalse
    }
}

/// Tells the plugin, as a host does, that its channel is called `name`.
fn name_channel(controller: &ComPtr<IEditController>, name: &str) {
    let listener: ComPtr<IInfoListener> = controller
        .cast()
        .expect("the controller is an IInfoListener");
    let list = ComWrapper::new(ChannelInfo {
        name: name.encode_utf16().collect(),
    });
    let list = list.to_com_ptr::<IAttributeList>().unwrap();
    assert_eq!(
        unsafe { listener.setChannelContextInfos(list.as_ptr()) },
        kResultOk
    );
}

/// Bridges the editor started, newest last.
static OPENED: Mutex<Vec<Bridge>> = Mutex::new(Vec::new());

#[test]
fn the_bridge_on_nice_plugs_vst3_wrapper() {
    webui_toolkit::editor::on_open(|session| {
        OPENED.lock().unwrap().push(session.bridge().clone());
        Box::new(())
    });

    // The host side: component (+ controller, same object) → handler → view.
    let plugin = Plugin::create();
    let Plugin {
        component,
        controller,
        handler,
    } = &plugin;
    // An index past the last parameter is refused (nice-plug 0.4.2 indexed past the end and
    // aborted the host: fixed in vendor/nice-plug).
    let count = unsafe { controller.getParameterCount() };
    for index in [count, count + 1, -1] {
        let mut info: ParameterInfo = unsafe { std::mem::zeroed() };
        assert_eq!(
            unsafe { controller.getParameterInfo(index, &mut info) },
            kInvalidArgument,
            "getParameterInfo({index}) of {count}"
        );
    }
    let output = param_id(controller, "Output");
    let input = param_id(controller, "Input");
    let pan = param_id(controller, "Pan");
    let width = param_id(controller, "Width");

    let (view, frame) = plugin.open_view();
    // Without the native editor (no helper process) the parent window is not used; any id will do.
    // SAFETY: this binary's only test, before anything else reads the environment.
    unsafe {
        std::env::set_var(
            webui_toolkit::editor::HELPER_ENV,
            webui_toolkit::editor::NO_HELPER,
        )
    };
    let parent = 0x4a00_0001usize as *mut c_void;
    assert_eq!(
        unsafe { view.attached(parent, kPlatformTypeX11EmbedWindowID) },
        kResultOk
    );
    let bridge = OPENED
        .lock()
        .unwrap()
        .pop()
        .expect("the editor started a bridge");
    let a = bridge
        .connect(ClientOptions::new(Transport::InProcess))
        .unwrap();
    let b = bridge
        .connect(ClientOptions::new(Transport::InProcess))
        .unwrap();

    // A set from a transport's thread: one complete edit for the host, one notification each.
    // (On the host's main thread nice-plug would make the calls at once.)
    let applied = std::thread::scope(|s| {
        s.spawn(|| ok(&a, "setParameter", json!({ "id": "output", "value": 3.0 })))
            .join()
            .unwrap()
    });
    assert_eq!(applied["normalized"], 0.75);
    assert!(
        handler.take().is_empty(),
        "edits wait for the host's UI thread"
    );
    frame.run_loop();
    assert_eq!(
        handler.take(),
        [
            Edit::Begin(output),
            Edit::Perform(output, 0.75),
            Edit::End(output)
        ]
    );
    for client in [&a, &b] {
        let notes = notifications_within(client, Duration::from_millis(500));
        assert_eq!(notes.len(), 1, "{notes:?}");
        changed(&notes[0], "output", 1);
    }
    assert_eq!(unsafe { controller.getParamNormalized(output) }, 0.75);

    // A set from another thread (a transport's): the same, via nice-plug's main-thread task.
    thread::scope(|s| {
        s.spawn(|| ok(&b, "setParameter", json!({ "id": "width", "value": 150 })));
    });
    frame.run_loop();
    for client in [&a, &b] {
        let notes = notifications_within(client, Duration::from_secs(2));
        assert_eq!(notes.len(), 1, "{notes:?}");
        changed(&notes[0], "width", 2);
    }
    assert_eq!(
        handler.take(),
        [
            Edit::Begin(width),
            Edit::Perform(width, 0.75),
            Edit::End(width)
        ]
    );

    // Host automation through the controller: once per change.
    assert_eq!(
        unsafe { controller.setParamNormalized(input, 0.25) },
        kResultOk
    );
    assert_eq!(
        unsafe { controller.setParamNormalized(input, 0.25) },
        kResultOk
    );
    for client in [&a, &b] {
        let notes = notifications_within(client, Duration::from_millis(500));
        assert_eq!(notes.len(), 1, "{notes:?}");
        changed(&notes[0], "input", 3);
        // 0.25 on the skewed law: a sixteenth of the lower half, −6 dB.
        assert_eq!(notes[0]["params"]["value"], -6.0);
    }
    assert!(
        handler.take().is_empty(),
        "the host's own change is not echoed to the host"
    );

    // A client's gesture ends when the client goes away.
    ok(&a, "beginGesture", json!({ "id": "pan" }));
    ok(&a, "setParameter", json!({ "id": "pan", "value": 50 }));
    drop(a);
    frame.run_loop();
    assert_eq!(
        handler.take(),
        [Edit::Begin(pan), Edit::Perform(pan, 0.75), Edit::End(pan)]
    );
    let notes = notifications_within(&b, Duration::from_millis(500));
    assert_eq!(notes.len(), 1, "{notes:?}");
    changed(&notes[0], "pan", 4);

    // The host names the channel (the track): every client hears it once, getInfo reports it.
    name_channel(controller, "Lead Vocals");
    name_channel(controller, "Lead Vocals");
    let notes = notifications_within(&b, Duration::from_millis(300));
    assert_eq!(
        notes,
        [
            json!({ "jsonrpc": "2.0", "method": "trackNameChanged", "params": { "trackName": "Lead Vocals" } })
        ]
    );
    assert_eq!(ok(&b, "getInfo", json!({}))["trackName"], "Lead Vocals");

    // Removing the view closes the editor, the bridge and its clients.
    assert_eq!(unsafe { view.removed() }, kResultOk);
    assert_eq!(b.next_timeout(Duration::from_millis(100)), Next::Closed);
    assert_eq!(unsafe { view.setFrame(std::ptr::null_mut()) }, kResultOk);
    drop(view);
    assert_eq!(unsafe { component.terminate() }, kResultOk);
}
